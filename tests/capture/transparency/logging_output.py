import logging
logging.basicConfig(format="%(levelname)s %(module)s %(funcName)s:%(lineno)d %(message)s")
log = logging.getLogger("app")
def work():
    log.warning("inside work")
log.warning("top level")
work()
try:
    1 / 0
except ZeroDivisionError:
    log.exception("failed")
