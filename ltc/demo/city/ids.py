"""Valid identifiers for synthetic rows: resident ID numbers (SPEC §2) and USCC codes."""
import random
from datetime import date

from stdnum.cn import ric, uscc

REGIONS = ("330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112", "330113", "330114")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国志文斌海燕春梅金凤荣德福宝珍淑贞"


class IdMaker:
    """Unique, valid ID numbers and USCC codes drawn from ``rng``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def id_number(self, birth: date, sex: str) -> str:
        while True:
            seq = self.rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
            body = f"{self.rng.choice(REGIONS)}{birth:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.seen:
                self.seen.add(number)
                return number

    def uscc(self) -> str:
        while True:
            body = f"91330100{self.rng.randrange(10 ** 9):09d}"
            number = body + uscc.calc_check_digit(body)
            if number not in self.seen:
                self.seen.add(number)
                return number

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))
        return self.rng.choice(SURNAMES) + given
