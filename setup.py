"""Build hook: the top-level ``schemas/`` folder ships inside the wheel as ``provbridge/resources/``."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithSchemas(build_py):
    """Copies schemas/* (JSON Schema, SHACL shapes, pb vocabulary, store schema) into the package."""

    def run(self) -> None:
        super().run()
        source = Path(__file__).parent / "schemas"
        target = Path(self.build_lib) / "provbridge" / "resources"
        target.mkdir(parents=True, exist_ok=True)
        for item in source.iterdir():
            if item.is_file():
                shutil.copy2(item, target / item.name)


setup(cmdclass={"build_py": BuildWithSchemas})
