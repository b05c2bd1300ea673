"""Sources of the medication-to-class mapping (``clinical.medication_classes``)."""

from __future__ import annotations

from ketamine_trd.clinical.source_tables._types import Source

SOURCES: tuple[Source, ...] = (
    Source(
        id="who-atc",
        title="WHO Collaborating Centre for Drug Statistics Methodology: ATC classification index",
        year="2025",
        location="https://atcddd.fhi.no/atc_ddd_index/",
        provides="the ATC group of each medicine that the medication list maps to a concomitant class "
        "(N05BA, N05CD, N03AE benzodiazepines; N05CF benzodiazepine-related hypnotics; N06BA centrally acting "
        "sympathomimetics; N06AF, N06AG, N04BD monoamine oxidase inhibitors; N02A, N07BC opioids; R01AD nasal "
        "corticosteroids; R01AA nasal sympathomimetics). Group codes transcribed from the index's structure; "
        "each entry to be re-checked against the current index before release (confidence M).",
        kind="standard",
    ),
)
