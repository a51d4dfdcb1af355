"""Checks OpenLineage run events against the models the OpenLineage Python client generates from
the specification (openlineage.client.generated, pinned in requirements.txt).

  python validate_events.py < events.json     a JSON array of events; prints a JSON array of
                                              problems, each "where: what" (empty: all valid)

Every object of an event is built as the model its place in the specification names: a missing
required field, an unknown field, a value of the wrong type or format (eventTime, runId) is a
problem. A facet is built as the model whose schema URL its `_schemaURL` names, exactly, version
included; a facet outside the specification (its URL not under openlineage.io/spec) is left to
the project's own schema, which the caller checks.
"""
import enum
import importlib
import inspect
import json
import pkgutil
import sys
import types
import typing

import attr
import openlineage.client.generated as generated
from openlineage.client.generated import base

SPEC_URL = "https://openlineage.io/spec/"


def facet_models():
    """Every facet model of the client, by the schema URL it was generated from."""
    models = {}
    for module_info in pkgutil.iter_modules(generated.__path__):
        module = importlib.import_module(f"{generated.__name__}.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, base.BaseFacet) and cls is not base.BaseFacet:
                models[cls._get_schema()] = cls
    return models


FACETS = facet_models()


class Problem(Exception):
    pass


def join(where, key):
    """A field's path in the event: `run.facets.parent`."""
    return f"{where}.{key}" if where else key


def build(kind, value, where):
    """`value` (parsed JSON) built as the type `kind` of a model's field."""
    if kind is typing.Any:
        return value
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if value is None and type(None) in options:
            return None
        real = [option for option in options if option is not type(None)]
        return build(real[0], value, where)
    if origin is list:
        if not isinstance(value, list):
            raise Problem(f"{where}: expected a list")
        return [build(typing.get_args(kind)[0], item, f"{where}[{i}]") for i, item in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise Problem(f"{where}: expected an object")
        facet_base = typing.get_args(kind)[1]
        return {name: build_facet(facet_base, facet, join(where, name)) for name, facet in value.items()}
    if inspect.isclass(kind) and issubclass(kind, enum.Enum):
        try:
            return kind(value)
        except ValueError:
            raise Problem(f"{where}: {value!r} is not one of {[member.value for member in kind]}") from None
    if attr.has(kind):
        return build_model(kind, value, where)
    plain = {str: str, int: int, float: (int, float), bool: bool}[kind]
    if not isinstance(value, plain) or (kind is not bool and isinstance(value, bool)):
        raise Problem(f"{where}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def build_facet(facet_base, value, where):
    if not isinstance(value, dict):
        raise Problem(f"{where}: expected an object")
    url = value.get("_schemaURL")
    if not isinstance(url, str) or not url.startswith(SPEC_URL):
        return value
    model = FACETS.get(url)
    if model is None:
        raise Problem(f"{where}: no facet of the specification at {url}")
    if not issubclass(model, facet_base):
        raise Problem(f"{where}: {model.__name__} is not a {facet_base.__name__}")
    return build_model(model, value, where)


def build_model(model, value, where):
    if not isinstance(value, dict):
        raise Problem(f"{where}: expected an object")
    hints = typing.get_type_hints(model)
    fields = {field.name: field for field in attr.fields(model)}
    arguments = {}
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            raise Problem(f"{where}: {model.__name__} has no field {key}")
        if not field.init:
            continue  # the schema URL, which the model sets itself (and the facet lookup checked)
        arguments[field.alias] = build(hints[key], item, join(where, key))
    for name, field in fields.items():
        if field.init and field.default is attr.NOTHING and field.alias not in arguments:
            raise Problem(f"{where}: {model.__name__} requires {name}")
    try:
        return model(**arguments)
    except (TypeError, ValueError) as error:
        raise Problem(f"{where}: {error}") from None


def problems(event, index):
    try:
        built = build_model(base.RunEvent, event, "")
    except Problem as problem:
        return [f"event {index}: {str(problem).lstrip(': ')}"]
    if event.get("schemaURL") != built._get_schema():
        return [f"event {index}: schemaURL {event.get('schemaURL')} is not {built._get_schema()}"]
    return []


def main():
    events = json.load(sys.stdin)
    print(json.dumps([problem for index, event in enumerate(events) for problem in problems(event, index)]))


if __name__ == "__main__":
    main()
