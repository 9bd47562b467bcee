"""swarm: heals failed deployments by itself. Entry point and adapters to the outside world."""

__version__ = "0.1.0"
