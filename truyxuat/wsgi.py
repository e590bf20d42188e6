"""WSGI entry point (`truyxuat serve` runs it in Granian: truyxuat.wsgi:application)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

from core.diskmodes import start_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyxuat.settings")
start_up()  # umask 077 (also when a server other than `truyxuat serve` loads this): files written stay private
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their modules) lives as long as the worker: move it out of the
# cyclic collector's reach, so that a full collection only walks what requests allocate (it halves the tail
# latency of the cached lot page: bench/README.md, "Serving").
gc.collect()
gc.freeze()
