import gc
import weakref
class Resource:
    pass
r = Resource()
weakref.finalize(r, print, "finalized at collection")
del r
gc.collect()
keep = Resource()
weakref.finalize(keep, print, "finalized at exit")
print("end")
