"""Built-in terms of attendance: sign-in kinds and the attendance records derived per shift."""

from __future__ import annotations

from typing import Final

from gridpolicing.model.vocabulary import AttendanceKind, SignKind, Term

__all__ = ["ATTENDANCE_KINDS", "PARTIES", "SIGN_KINDS"]

PARTIES: Final = ("signed_for", "signer")
"""The ``party`` of a ``signed_for_other`` record: the person named, or the one who signed."""

SIGN_KINDS: Final = (
    Term(
        SignKind.sign_in.value,
        "签到",
        "sign-in",
        "上岗时的打卡或签到记录。",
        "A clock-in or signature on arriving for duty.",
    ),
    Term(
        SignKind.sign_out.value,
        "签退",
        "sign-out",
        "下岗时的打卡或签退记录。",
        "A clock-out or signature on leaving duty.",
    ),
)

_A = AttendanceKind
ATTENDANCE_KINDS: Final = (
    Term(
        _A.present.value,
        "出勤",
        "present",
        "排班的班次本人签到(不论是否迟到),且该班次不属经批准的请假。",
        "A scheduled shift the person signed in for themselves (late or not), not excused by "
        "approved leave.",
    ),
    Term(
        _A.late.value,
        "迟到",
        "late",
        "本人首次签到晚于班次开始时间;minutes 为迟到的分钟数。",
        "The person's first own sign-in came after the shift's start; minutes says how late.",
    ),
    Term(
        _A.early_leave.value,
        "早退",
        "early leave",
        "本人最后一次签退早于班次结束时间;minutes 为提前的分钟数。",
        "The person's last own sign-out came before the shift's end; minutes says how early.",
    ),
    Term(
        _A.absent.value,
        "旷工",
        "absent",
        "排班的班次既无本人签到也无本人签退,且未经批准请假(代签不算本人签到)。",
        "A scheduled shift with no own sign-in or sign-out and no approved leave (a sign-in made "
        "by someone else does not count).",
    ),
    Term(
        _A.missed_sign_in.value,
        "漏签",
        "missed sign-in",
        "班次只有本人签到没有签退,或只有签退没有签到。",
        "The shift has the person's own sign-in but no sign-out, or a sign-out but no sign-in.",
    ),
    Term(
        _A.unapproved_swap.value,
        "未经批准换班",
        "unapproved swap",
        "排班人员未经批准由他人顶班;记在原排班人员名下。",
        "The scheduled person had someone else work the shift without approval; recorded for "
        "the scheduled person.",
    ),
    Term(
        _A.signed_for_other.value,
        "代签",
        "signed in for another",
        "签到或签退由他人代为完成;代签人和被代签人各记一条(party 区分 signer / signed_for)。",
        "A sign-in or sign-out made by someone else for the person; one record each for the "
        "signer and the person signed for (party: signer or signed_for).",
    ),
    Term(
        _A.on_leave.value,
        "请假",
        "on leave",
        "排班的班次经批准请假。",
        "A scheduled shift on approved leave.",
    ),
)
