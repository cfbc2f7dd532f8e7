"""Typed reasons a document fails. Each has a stable ``code`` for the export contract."""


class DocloopError(Exception):
    """A document cannot be processed; ``code`` goes into the export's ``error``."""

    code = "error"
    permanent = True  # retrying the same input cannot succeed

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnsupportedType(DocloopError):
    code = "unsupported_type"


class EmptyDocument(DocloopError):
    code = "empty"


class CorruptDocument(DocloopError):
    code = "corrupt"


class EncryptedDocument(DocloopError):
    code = "encrypted"


class TooLarge(DocloopError):
    code = "too_large"


class TooManyPages(DocloopError):
    code = "too_many_pages"


class DecompressionBomb(DocloopError):
    code = "decompression_bomb"


class ParseTimeout(DocloopError):
    code = "parse_timeout"


class ParseResourceLimit(DocloopError):
    code = "parse_resource_limit"


class NoText(DocloopError):
    code = "no_text"


class UnknownSchema(DocloopError):
    code = "unknown_schema"


class ModelError(DocloopError):
    """A model provider failed; transient unless said otherwise."""

    code = "model_error"
    permanent = False


class BudgetExceeded(DocloopError):
    code = "budget_exceeded"
