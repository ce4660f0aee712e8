"""The read side: query functions over a Reader, and the Readers that run them.

An adapter calls a query function through the app's `Readers`, never directly:
`await readers.run(read.list_shares, filter, page)`. Every query function takes the
`Reader` first, so there is one way to call it. Lookups by code return None when nothing
matches (the adapter decides: 404 or null); batch functions ("…_by_…") take many ids and
return a dict keyed by id, ready for a DataLoader; filters that name unknown codes raise
models.filters.UnknownCode.

The modules, by concern: context (the Reader), session (Readers), prepared (statements
compiled once per shape), descriptions (held per release), statements (the SELECTs),
lookups, releases, replication, shares, figures, updates, coverage, catalogue, series, pinning and
documents (the query functions).
"""

from models.read.catalogue import QuestionTable, QuestionTables, question_tables
from models.read.context import Reader, descriptions
from models.read.coverage import (
    covered_indicators,
    covered_questions,
    indicator_waves_with_figures,
    waves_with_figures,
)
from models.read.descriptions import Descriptions
from models.read.documents import (
    cited_question,
    overview,
    published_surveys,
    question_cube,
    question_dimensions,
    share_table,
)
from models.read.downloads import IndicatorDownload, indicator_download
from models.read.figures import (
    Cell,
    FigureRecord,
    FigureRevision,
    NoFigure,
    figure_histories,
    get_figure,
)
from models.read.lookups import (
    INDICATOR_BY_ID,
    INDICATORS_OF_SURVEY,
    OPTION_BY_ID,
    OPTIONS_OF_QUESTION,
    QUESTION_BY_ID,
    QUESTIONS_OF_SURVEY,
    QUESTIONS_OF_TOPIC,
    SEGMENT_BY_ID,
    SOURCE_BY_CODE,
    SOURCE_BY_ID,
    SURVEY_BY_ID,
    TOPIC_BY_ID,
    WAVE_BY_ID,
    WAVES_OF_SURVEY,
    Children,
    Lookup,
    get_indicator,
    get_question,
    get_survey,
    indicators_by_id,
    indicators_by_survey,
    licences,
    list_indicators,
    list_questions,
    list_segments,
    list_sources,
    list_surveys,
    list_topics,
    list_waves,
    options_by_id,
    options_by_question,
    questions_by_id,
    questions_by_survey,
    questions_by_topic,
    segments_by_id,
    sources_by_code,
    sources_by_id,
    surveys_by_id,
    topics_by_id,
    topics_by_survey,
    waves_by_id,
    waves_by_survey,
)
from models.read.pages import (
    IndicatorPage,
    QuestionPage,
    ReleaseChanges,
    indicator_page,
    question_page,
)
from models.read.pinning import pinned_indicator
from models.read.releases import (
    changes_by_release,
    current_release,
    get_release,
    list_changes,
    list_releases,
    release_as_of,
)
from models.read.replication import Replication, replication
from models.read.saved_queries import SavedQueryRecord, get_saved_query
from models.read.series import (
    cited_indicator,
    cited_indicators,
    indicator_detail,
    indicator_table,
    series_by_indicator,
)
from models.read.session import ReaderBounds, Readers
from models.read.shares import (
    count_shares,
    list_shares,
    question_detail,
    shares_by_option,
    shares_by_wave,
)
from models.read.updates import (
    ChangesPage,
    RemovedFigure,
    Update,
    changes_since,
    list_updates,
    removed_figures,
)

__all__ = [
    # Reading
    "Reader",
    "ReaderBounds",
    "Readers",
    "Descriptions",
    "descriptions",
    "Replication",
    "replication",
    # Typed lookups of descriptions
    "Lookup",
    "Children",
    "INDICATOR_BY_ID",
    "INDICATORS_OF_SURVEY",
    "OPTION_BY_ID",
    "OPTIONS_OF_QUESTION",
    "QUESTION_BY_ID",
    "QUESTIONS_OF_SURVEY",
    "QUESTIONS_OF_TOPIC",
    "SEGMENT_BY_ID",
    "SOURCE_BY_CODE",
    "SOURCE_BY_ID",
    "SURVEY_BY_ID",
    "TOPIC_BY_ID",
    "WAVE_BY_ID",
    "WAVES_OF_SURVEY",
    # Lookups
    "get_indicator",
    "get_question",
    "get_survey",
    "indicators_by_id",
    "indicators_by_survey",
    "licences",
    "list_indicators",
    "list_questions",
    "list_segments",
    "list_sources",
    "list_surveys",
    "list_topics",
    "list_waves",
    "options_by_id",
    "options_by_question",
    "questions_by_id",
    "questions_by_survey",
    "questions_by_topic",
    "segments_by_id",
    "sources_by_code",
    "sources_by_id",
    "surveys_by_id",
    "topics_by_id",
    "topics_by_survey",
    "waves_by_id",
    "waves_by_survey",
    # Releases and what they changed
    "changes_by_release",
    "current_release",
    "get_release",
    "list_changes",
    "list_updates",
    "changes_since",
    "removed_figures",
    "ChangesPage",
    "RemovedFigure",
    "Update",
    "list_releases",
    "release_as_of",
    # One figure and its history
    "Cell",
    "FigureRecord",
    "FigureRevision",
    "NoFigure",
    "figure_histories",
    "get_figure",
    # Shares
    "count_shares",
    "list_shares",
    "question_detail",
    "shares_by_option",
    "shares_by_wave",
    # Indicator series
    "cited_indicator",
    "cited_indicators",
    "indicator_detail",
    "indicator_table",
    "pinned_indicator",
    "series_by_indicator",
    # Coverage: the waves with figures
    "covered_indicators",
    "covered_questions",
    "indicator_waves_with_figures",
    "waves_with_figures",
    # Questions as tables of a catalogue (PxWebApi)
    "QuestionTable",
    "QuestionTables",
    "question_tables",
    # PxWebApi saved queries
    "SavedQueryRecord",
    "get_saved_query",
    # Pages of an indicator or a question, with their history
    "IndicatorPage",
    "QuestionPage",
    "ReleaseChanges",
    "indicator_page",
    "question_page",
    # Documents
    "cited_question",
    "overview",
    "published_surveys",
    "question_cube",
    "question_dimensions",
    "share_table",
    # Downloads
    "IndicatorDownload",
    "indicator_download",
]
