import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renewal.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, templates' modules) lives as long as the process:
# moving it out of the collector's reach keeps full collections short, and with them the slowest
# requests of pages that build many objects (the portfolio builds thousands).
gc.collect()
gc.freeze()
