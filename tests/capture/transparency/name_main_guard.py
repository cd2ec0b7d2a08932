import sys
def main():
    print("main ran", __name__)
    return 0
if __name__ == "__main__":
    print(sys.modules["__main__"] is sys.modules[__name__])
    import __main__
    print(__main__.main is main)
    main()
