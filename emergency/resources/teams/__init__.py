"""Rescue teams (with members and the social-force archive), experts and equipment."""
