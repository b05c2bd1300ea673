"""The PK/PD engine: NumPy only at import; JAX and Dask are loaded lazily where asked for."""
