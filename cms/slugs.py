from django.utils.text import slugify


def unique_slug(model, text, exclude_pk=None):
    base = slugify(text)[:240] or model._meta.model_name
    slug, number = base, 2
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
