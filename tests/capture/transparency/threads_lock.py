import threading
results = []
lock = threading.Lock()
def worker(n):
    total = sum(range(n))
    with lock:
        results.append(total)
threads = [threading.Thread(target=worker, args=(k * 100,)) for k in range(6)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results), threading.current_thread().name)
