"""Packaging glue that pyproject.toml cannot express (everything else is there).

The bundled ``content/`` folder (gazetteer, first-start articles) stays at the top of the
repository and ships inside the package as ``bot.content``, read with
``importlib.resources``; every package under ``bot/`` is found automatically.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["bot", "bot.*"]), "bot.content"],
    package_dir={"bot.content": "content"},
)
