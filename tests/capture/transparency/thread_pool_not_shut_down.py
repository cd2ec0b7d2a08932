from concurrent.futures import ThreadPoolExecutor
pool = ThreadPoolExecutor(max_workers=2)
futures = [pool.submit(pow, 2, k) for k in range(5)]
print([f.result() for f in futures])
# never shut down: the interpreter's exit machinery must stop the workers
