"""Wound care: wound records, photo pipeline, PUSH score and healing trajectory."""
