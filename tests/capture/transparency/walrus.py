data = [3, 8, 1, 9, 4]
if (n := len(data)) > 3:
    print("long", n)
values = [y for x in data if (y := x * 2) > 5]
print(values, y)
while (item := data.pop()) != 1:
    print("popped", item)
print(data)
