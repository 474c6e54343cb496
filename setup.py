# scrapyd-deploy builds its egg with setup.py; the project's metadata lives in pyproject.toml.
from setuptools import setup

setup()
