"""Files the program reads at run time (installed as ``console.resources``)."""
