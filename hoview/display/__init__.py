"""Stored pixel values to what a person sees. Pure numpy, no Qt."""
