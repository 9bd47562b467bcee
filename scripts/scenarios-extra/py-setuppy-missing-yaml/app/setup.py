from setuptools import find_packages, setup

setup(
    name="confsvc",
    version="0.2.0",
    packages=find_packages(),
    install_requires=[
        "bottle>=0.12",
    ],
)
