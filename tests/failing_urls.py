from django.urls import path


def boom(request):
    raise RuntimeError("a fault for the 500 page test")


urlpatterns = [path("boom/", boom)]
