"""The WSGI application that waitress (or any WSGI server) serves."""
import os

from django.core.wsgi import get_wsgi_application

from server.common.files import umask_private

umask_private()  # the database, its -wal/-shm files and documents readable by the server's user only
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
application = get_wsgi_application()
