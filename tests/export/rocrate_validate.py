"""Run roc-validator (Process Run Crate profile, REQUIRED level) on a crate offline; print the verdict as JSON.

Usage: python rocrate_validate.py CRATE_DIR CACHE_PATH. The machine has no internet, so the HTTP cache the
validator reads offline is first given the RO-Crate JSON-LD context that the rocrate package ships (its 1.3
context, a superset of the 1.1 terms) under the context URLs the validator fetches."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import requests
import rocrate
from requests_cache import CachedSession
from rocrate_validator import services
from rocrate_validator.models import Severity, ValidationSettings
from urllib3 import HTTPResponse

CONTEXTS = ("https://w3id.org/ro/crate/1.1/context", "https://w3id.org/ro/crate/1.3/context")


def warm(cache: str) -> None:
    session = CachedSession(cache_name=cache, backend="sqlite", expire_after=-1)
    body = (Path(rocrate.__file__).parent / "data" / "ro-crate.jsonld").read_bytes()
    for url in CONTEXTS:
        response = requests.Response()
        response.status_code, response.reason, response.url, response.encoding = 200, "OK", url, "utf-8"
        response._content = body
        response.headers["Content-Type"] = "application/ld+json"
        response.request = requests.Request("GET", url).prepare()
        response.raw = HTTPResponse(body=io.BytesIO(body), headers={"Content-Type": "application/ld+json"},
                                    status=200, preload_content=False, request_url=url)
        session.cache.save_response(response)


def main(crate: str, cache: str) -> None:
    warm(cache)
    settings = ValidationSettings(rocrate_uri=str(Path(crate).resolve()), profile_identifier="process-run-crate",
                                  requirement_severity=Severity.REQUIRED, offline=True, cache_path=cache)
    result = services.validate(settings)
    issues = [f"{issue.check.identifier}: {issue.message}" for issue in result.get_issues()]
    print(json.dumps({"passed": result.passed(), "issues": issues}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
