"""The sandbox's URLs without anymail's: a shop that followed an incomplete urls.py."""

from sandbox.urls import urlpatterns as sandbox_urlpatterns

urlpatterns = [pattern for pattern in sandbox_urlpatterns if str(pattern.pattern) != "anymail/"]
