import threading
import time
def late():
    time.sleep(0.3)
    print("thread done", flush=True)
threading.Thread(target=late).start()
raise RuntimeError("main failed first")
