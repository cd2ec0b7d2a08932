from dataclasses import KW_ONLY, asdict, dataclass, field, replace
@dataclass(frozen=True, slots=True)
class Config:
    name: str
    layers: list = field(default_factory=list)
    _: KW_ONLY
    rate: float = 0.1
c = Config("net", [1, 2], rate=0.5)
print(c, asdict(c), replace(c, rate=0.2))
try:
    c.name = "x"
except Exception as exc:
    print(type(exc).__name__)
print(list(Config.__dataclass_fields__), list(Config.__annotations__))
