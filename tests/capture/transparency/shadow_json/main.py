import json
print(json.dumps({"a": 1}), json.__file__.endswith("json.py"), json.LOCAL)
