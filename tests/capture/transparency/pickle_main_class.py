import pickle
class Box:
    def __init__(self, value):
        self.value = value
    def __eq__(self, other):
        return isinstance(other, Box) and other.value == self.value
data = pickle.dumps([Box(1), Box("two")])
print(Box.__module__, pickle.loads(data) == [Box(1), Box("two")])
with open("boxes.pkl", "wb") as handle:
    pickle.dump(Box(3), handle, protocol=4)
with open("boxes.pkl", "rb") as handle:
    print(pickle.load(handle).value)
