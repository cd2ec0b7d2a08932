import asyncio
async def work(x):
    await asyncio.sleep(0)
    return x * 2
async def agen():
    for i in range(3):
        yield i
class Ctx:
    async def __aenter__(self):
        print("enter")
        return self
    async def __aexit__(self, *exc):
        print("exit")
async def main():
    results = await asyncio.gather(*(work(i) for i in range(4)))
    async with Ctx():
        results += [v async for v in agen()]
    return results
print(asyncio.run(main()))
