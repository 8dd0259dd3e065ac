#!/usr/bin/env python3
"""Heron shipment tracking API (Django)."""
import os, sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracking.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
