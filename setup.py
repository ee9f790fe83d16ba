"""Packaging glue that pyproject.toml cannot express (everything else is there).

The bundled ``content/`` folder (gazetteer, source catalogue, first-start articles) stays at
the top of the repository and ships inside the package as ``bot.content``, read with
``importlib.resources``; every package under ``bot/`` is found automatically, with or
without an ``__init__.py``.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(include=["bot", "bot.*"], exclude=["*.__pycache__"]),
        "bot.content",
    ],
    package_dir={"bot.content": "content"},
)
