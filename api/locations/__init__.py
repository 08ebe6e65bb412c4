"""Locations (库位): register, list, read and retire."""
