"""An indicator read as one sentence that reconciles its three judgements: the trajectory status (against
the straight line from baseline to target), the SPC variation (is the latest value beyond ordinary
variation?) and the SPC assurance (will the process, as it runs now, meet the target?). For example
"Off track against its trajectory, but improving by SPC; at this rate it will miss the March 2027 target".

Plain Python (no database): `Indicator.reading` and the digests' summary rows call it with their own
facts, so the dashboard, the lists, an indicator's page and the board pack say the same thing.

When the latest group has too few values for SPC limits, the sentence leaves SPC out: the page or pack
says once how many indicators that is (thin_data_sentence), rather than on every row.
"""

from indicators import spc
from indicators.spc_reading import NO_DATA, TOO_FEW
from indicators.status import IndicatorStatus

TRAJECTORY = {  # (clause, how it sounds: 1 good, 0 neutral, -1 a concern)
    IndicatorStatus.TARGET_MET: ("target met", 1),
    IndicatorStatus.ON_TRACK: ("on track against its trajectory", 1),
    IndicatorStatus.WITHIN_TOLERANCE: ("a little behind its trajectory (within tolerance)", 0),
    IndicatorStatus.OFF_TRACK: ("off track (behind its trajectory)", -1),
}
VARIATION = {
    "improvement": ("improving by SPC", 1),
    "concern": ("worsening by SPC", -1),
    "neutral": ("an unusual change by SPC", 0),
    "common_cause": ("no significant change by SPC", 0),
}


def _variation(key):
    for prefix in ("improvement", "concern", "neutral"):
        if key.startswith(prefix):
            return VARIATION[prefix]
    return VARIATION.get(key)


def _assurance(key, target):
    if key == spc.Assurance.CONSISTENT_PASS:
        return (f"at this rate it will meet the {target} target", 1)
    if key == spc.Assurance.CONSISTENT_FAIL:
        return (f"at this rate it will miss the {target} target", -1)
    if key == spc.Assurance.INCONSISTENT:
        return (f"at this rate it will meet the {target} target in some periods and miss it in others", 0)
    return None  # no target, neither direction better, too few values or none


def read_indicator(*, status, variation, assurance, target_date):
    """The one sentence for an indicator, from its IndicatorStatus and its SPC variation and assurance keys
    (spc_reading.VARIATION and ASSURANCE). Clauses that pull in opposite directions are joined by "but".
    `target_date` names the target ("the March 2027 target")."""
    status = IndicatorStatus(status)
    if status == IndicatorStatus.BASELINE_TO_BE_SET:
        return "Baseline to be set: no trajectory is judged until the plan sets it."
    if status == IndicatorStatus.NO_DATA or variation == NO_DATA:
        return "No values recorded yet."
    clauses = [TRAJECTORY[status]]
    if variation != TOO_FEW:
        judged = _variation(variation)
        if judged:
            clauses.append(judged)
        promise = _assurance(assurance, f"{target_date:%B %Y}")
        if promise:
            clauses.append(promise)
    text, mood = clauses[0]
    for index, (clause, next_mood) in enumerate(clauses[1:], start=1):
        contrast = mood * next_mood < 0
        if index == 1:
            text += (", but " if contrast else ", and ") + clause
        else:
            text += ("; but " if contrast else "; ") + clause
        mood = next_mood or mood
    return text[0].upper() + text[1:] + "."


def thin_data_sentence(digests_or_rows):
    """What a summary says once when most indicators have too few values for SPC, e.g. "17 of 20
    indicators have fewer than 13 values: their SPC limits are not shown yet", or "" when at most half
    do. Takes anything with `variation` (a Verdict), such as digests' SummaryRows."""
    rows = list(digests_or_rows)
    thin = sum(1 for row in rows if row.variation.key == TOO_FEW)
    if not rows or thin * 2 <= len(rows):
        return ""
    return (
        f"{thin} of {len(rows)} indicators have fewer than {spc.MIN_RELIABLE_POINTS} values: "
        "their SPC limits are not shown yet"
    )
