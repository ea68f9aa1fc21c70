"""Wagtail's API filters, with every bad value answered by a 400 that names it."""

from datetime import UTC, datetime

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from rest_framework.filters import BaseFilterBackend
from taggit.managers import TaggableManager
from wagtail.api.v2.filters import FieldsFilter, OrderingFilter, SearchFilter
from wagtail.api.v2.utils import BadRequestError, parse_boolean
from wagtail.fields import StreamField

from cms.search import SearchQueryError, check_search_query

# Largest id or offset accepted: PostgreSQL's integer, ample for any page count.
MAX_INTEGER = 2**31 - 1


class ValidatedFieldsFilter(FieldsFilter):
    """``?<field>=<value>``, with values checked against the field first.

    Wagtail converts booleans, integers and foreign keys itself; a malformed date,
    a date beyond the calendar or a value for a to-many relation would otherwise
    escape as a server error.
    """

    # Wagtail's LocaleFilter reads it.
    HANDLED_ELSEWHERE = {"locale"}
    # Each tag is a join: a long list would make a query the database refuses.
    MAX_TAGS = 10

    def filter_queryset(self, request, queryset, view):
        fields = set(view.get_available_fields(queryset.model, db_fields_only=True))
        for name, value in request.GET.items():
            if name in fields and name not in self.HANDLED_ELSEWHERE:
                self.check_value(queryset.model._meta.get_field(name), name, value)
        return super().filter_queryset(request, queryset, view)

    @classmethod
    def check_value(cls, field, name, value):
        if isinstance(field, TaggableManager):
            if len(value.split(",")) > cls.MAX_TAGS:
                raise BadRequestError(
                    f"field filter error. {name}: give at most {cls.MAX_TAGS} tags"
                )
            return
        if isinstance(field, StreamField):
            raise BadRequestError(
                f"field filter error. {name} is content blocks and cannot be "
                "filtered on; use search"
            )
        if not field.concrete or field.many_to_many:
            raise BadRequestError(
                f"field filter error. {name} cannot be filtered on by value"
            )
        if isinstance(field, models.BooleanField):
            try:
                parse_boolean(value)
            except ValueError as error:
                raise BadRequestError(f"field filter error. {name}: {error}") from error
            return
        target = field.target_field if field.is_relation else field
        try:
            python_value = target.to_python(value)
        except ValidationError as error:
            raise BadRequestError(
                f"field filter error. '{value}' is not a valid value for "
                f"{name} ({' '.join(error.messages)})"
            ) from error
        if isinstance(python_value, int) and abs(python_value) > MAX_INTEGER:
            raise BadRequestError(
                f"field filter error. {name} must be between {-MAX_INTEGER} "
                f"and {MAX_INTEGER}"
            )
        if isinstance(python_value, datetime):
            try:
                aware = (
                    python_value
                    if timezone.is_aware(python_value)
                    else timezone.make_aware(python_value)
                )
                aware.astimezone(UTC)
            except (OverflowError, ValueError) as error:
                raise BadRequestError(
                    f"field filter error. {name} is outside the calendar"
                ) from error


class ValidatedSearchFilter(SearchFilter):
    """``?search=``, refusing what the database search backends cannot parse."""

    def filter_queryset(self, request, queryset, view):
        query = request.GET.get("search")
        if query is not None:
            try:
                check_search_query(query)
            except SearchQueryError as error:
                raise BadRequestError(str(error)) from error
        operator = request.GET.get("search_operator")
        if operator is not None and operator not in ("and", "or"):
            raise BadRequestError("search_operator must be 'and' or 'or'")
        return super().filter_queryset(request, queryset, view)


class ValidatedOrderingFilter(OrderingFilter):
    """``?order=``, refusing fields that hold several values per item (an item
    would be listed once per value)."""

    def filter_queryset(self, request, queryset, view):
        name = request.GET.get("order", "").removeprefix("-")
        try:
            field = queryset.model._meta.get_field(name)
        except FieldDoesNotExist:  # Wagtail refuses unknown names itself
            field = None
        if field is not None and (field.one_to_many or field.many_to_many):
            raise BadRequestError(
                f"cannot order by '{name}' (it holds several values per item)"
            )
        return super().filter_queryset(request, queryset, view)


def validated(filter_backends):
    """The same filter list, with the validating versions swapped in."""
    replacements = {
        FieldsFilter: ValidatedFieldsFilter,
        OrderingFilter: ValidatedOrderingFilter,
        SearchFilter: ValidatedSearchFilter,
    }
    return [replacements.get(backend, backend) for backend in filter_backends]


def with_declared_filters(filter_backends):
    """``filter_backends`` plus DeclaredFilter, before the search (which must be
    last: search results cannot be filtered further)."""
    return filter_backends[:-1] + [DeclaredFilter, filter_backends[-1]]


class DeclaredFilter(BaseFilterBackend):
    """Query parameters a page type declares for itself as ``api_filters``.

    ``api_filters`` maps a parameter name to ``function(queryset, value)``, which
    returns the filtered queryset or raises ``ValueError`` with a message for a bad
    value. They apply when ``?type=`` names that one page type.
    """

    def filter_queryset(self, request, queryset, view):
        for name, apply in getattr(queryset.model, "api_filters", {}).items():
            if name in request.GET:
                try:
                    queryset = apply(queryset, request.GET[name])
                except ValueError as error:
                    raise BadRequestError(f"{name}: {error}") from error
        return queryset
