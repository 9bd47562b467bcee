"""Shared memory of the swarm: state models, coordination store, learning state, artifacts."""
