"""Sinergi: the project package and the shared core apps."""

from portal.celery import app as celery_app

__all__ = ("celery_app",)
