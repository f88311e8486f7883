"""Package layout: ``console`` plus ``resources/`` installed as ``console.resources``.

Icons and other files read at run time live in ``resources/`` and are found through
``importlib.resources``; pyproject.toml alone cannot map a folder outside the package.
"""

from setuptools import find_packages, setup

setup(
    # The icons folder is listed as a package of its own: setuptools installs data only
    # from listed packages.
    packages=[
        *find_packages(include=["console", "console.*"]),
        "console.resources",
        "console.resources.icons",
    ],
    package_dir={"console.resources": "resources"},
)
