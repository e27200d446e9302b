"""The unified social credit code (统一社会信用代码, SPEC §1), validated with ``stdnum.cn.uscc`` (pure)."""
from stdnum import exceptions
from stdnum.cn import uscc

MESSAGES = {
    exceptions.InvalidLength: "统一社会信用代码应为 18 位",
    exceptions.InvalidFormat: "统一社会信用代码格式不正确（只能包含数字和大写字母，不含 I、O、Z、S、V）",
    exceptions.InvalidChecksum: "统一社会信用代码校验位不正确",
    exceptions.InvalidComponent: "统一社会信用代码的组成部分不正确",
}


class InvalidUscc(ValueError):
    """The code is not a valid USCC; the message is in Chinese, for the user (a msgid)."""

    @property
    def msgid(self) -> str:
        return self.args[0]


def normalise_uscc(code: str) -> str:
    """The code compacted (spaces and hyphens removed, upper case) once valid. Raises InvalidUscc."""
    try:
        return uscc.validate(code or "")
    except exceptions.ValidationError as exc:
        message = next((text for kind, text in MESSAGES.items() if isinstance(exc, kind)),
                       "统一社会信用代码无效")
        raise InvalidUscc(message) from None
