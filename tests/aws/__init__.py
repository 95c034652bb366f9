"""Tests of the emulated AWS (iamlab.aws)."""
