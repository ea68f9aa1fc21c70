from django.urls import path

from health_articles.comments.views import comment_page, form_token

urlpatterns = [
    path("<int:page_id>/", comment_page, name="comment_page"),
    path("<int:page_id>/token/", form_token, name="comment_form_token"),
]
