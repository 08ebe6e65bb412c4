"""Submitting through the OutBox: one whole file per message, whatever crashes."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from adapters.gateway import files
from adapters.gateway.filedrop import FileDropGateway
from adapters.gateway.folders import ExchangeFolders
from adapters.xml.codec import parse
from adapters.xml.errors import XmlMessageError
from codetables.tables import UnknownCode
from customs.errors import DocumentConflict
from customs.routing import Number
from customs.service import CustomsRecords
from schemas.errors import NotFound
from schemas.messages.bonded_list import BondedListUpload
from tests.support import messages


def _outbox(folders: ExchangeFolders) -> list[str]:
    return sorted(path.name for path in folders.outbox.iterdir())


def _with_line_change(upload: BondedListUpload, **changes: Any) -> BondedListUpload:
    first = upload.message.lines[0].model_copy(update=changes)
    inner = upload.message.model_copy(update={"lines": (first, *upload.message.lines[1:])})
    return upload.model_copy(update={"message": inner})


def test_a_submitted_list_is_one_whole_file_named_after_what_it_carries(
    gateway: FileDropGateway, folders: ExchangeFolders, records: CustomsRecords
) -> None:
    upload = messages.bonded_list()

    submitted = gateway.submit(upload, workflow_id="entry-SOLAR-IN-0001")

    assert _outbox(folders) == [submitted.file_name]
    assert submitted.file_name.startswith("INV101__SOLAR-IN-0001__c0__")
    written = (folders.outbox / submitted.file_name).read_bytes()
    assert parse(written) == upload
    assert list(folders.staging.iterdir()) == []
    document = records.document(Number.INNER_NO, "SOLAR-IN-0001")
    assert document.workflow_id == "entry-SOLAR-IN-0001"
    assert [s.file_name for s in records.submissions(document.id)] == [submitted.file_name]


def test_submitting_the_same_message_again_writes_nothing_new(
    gateway: FileDropGateway, folders: ExchangeFolders, records: CustomsRecords
) -> None:
    first = gateway.submit(messages.bonded_list())
    again = gateway.submit(messages.bonded_list())

    assert again.again
    assert not first.again
    assert again.file_name == first.file_name
    assert _outbox(folders) == [first.file_name]
    assert len(records.submissions(first.document.id)) == 1


def test_a_file_the_client_already_took_is_not_written_twice(
    gateway: FileDropGateway, folders: ExchangeFolders, records: CustomsRecords
) -> None:
    """Given the client moved the file to SentBox before we recorded the submission
    (a crash in between), when the activity retries, then no second file appears."""
    original = records.record_submission
    calls = {"n": 0}

    def crash_once(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("worker killed after the write")
        return original(*args, **kwargs)

    records.record_submission = crash_once  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        gateway.submit(messages.bonded_list())
    (name,) = _outbox(folders)
    os.replace(folders.outbox / name, folders.sentbox / name)  # the client imported it

    retried = gateway.submit(messages.bonded_list())

    assert retried.file_name == name
    assert not retried.again
    assert _outbox(folders) == []
    assert [s.file_name for s in records.submissions(retried.document.id)] == [name]


def test_a_crash_between_write_and_rename_leaves_nothing_visible_and_a_retry_writes_once(
    folders: ExchangeFolders, records: CustomsRecords, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given the worker dies after writing the temporary file but before the rename,
    then the OutBox shows nothing (the client never sees half a file); after a
    restart the leftover is cleared and the retry writes exactly one whole file."""
    gateway = FileDropGateway(folders, records)

    def die_before_rename(source: Any, target: Any) -> None:
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(files, "_rename", die_before_rename)
    with pytest.raises(KeyboardInterrupt):
        gateway.submit(messages.bonded_list())
    assert _outbox(folders) == []
    leftovers = list(folders.staging.iterdir())
    assert len(leftovers) == 1
    assert leftovers[0].suffix == ".part"
    assert records.submissions(records.document(Number.INNER_NO, "SOLAR-IN-0001").id) == []

    monkeypatch.undo()
    restarted = FileDropGateway(folders, records)  # clears the staging leftovers
    assert list(folders.staging.iterdir()) == []
    submitted = restarted.submit(messages.bonded_list())

    assert _outbox(folders) == [submitted.file_name]
    assert parse((folders.outbox / submitted.file_name).read_bytes()) == messages.bonded_list()


def test_a_code_not_in_force_is_refused_before_anything_is_written(
    gateway: FileDropGateway, folders: ExchangeFolders, records: CustomsRecords
) -> None:
    upload = _with_line_change(messages.bonded_list(), dcl_unitcd="999")

    with pytest.raises(UnknownCode) as refused:
        gateway.submit(upload)

    assert refused.value.field == "InvtMessage/InvtListType[1]/DclUnitcd"
    assert "unit" in str(refused.value)
    assert "999" in str(refused.value)
    assert _outbox(folders) == []
    with pytest.raises(NotFound):
        records.document(Number.INNER_NO, "SOLAR-IN-0001")


def test_a_document_breaking_the_schema_is_refused_before_anything_is_written(
    gateway: FileDropGateway, folders: ExchangeFolders
) -> None:
    """Given a list line whose unit price has 5 places (built around the model's own
    check, as a bug elsewhere might), then the writer refuses to round it, naming the
    element, and nothing is written."""
    upload = messages.bonded_list()
    bad_line = upload.message.lines[0].model_construct(
        **{**dict(upload.message.lines[0]), "dcl_uprc_amt": Decimal("0.81255")}
    )
    broken = upload.model_copy(
        update={"message": upload.message.model_copy(update={"lines": (bad_line,)})}
    )

    with pytest.raises(XmlMessageError) as refused:
        gateway.submit(broken)

    assert refused.value.path == "InvtMessage/InvtListType[1]/DclUprcAmt"
    assert "more than 4 decimal places" in refused.value.reason
    assert _outbox(folders) == []


def test_an_enterprise_number_belongs_to_one_document(gateway: FileDropGateway) -> None:
    gateway.submit(messages.bonded_list(inner_no="SHARED-0001"))
    gate_pass = messages.gate_pass()
    head = gate_pass.message.head.model_copy(update={"etps_preent_no": "SHARED-0001"})
    clash = gate_pass.model_copy(
        update={"message": gate_pass.message.model_copy(update={"head": head})}
    )

    with pytest.raises(DocumentConflict, match="already belongs to a bonded_list"):
        gateway.submit(clash)


def test_a_corrected_list_gets_its_own_file(
    gateway: FileDropGateway, folders: ExchangeFolders
) -> None:
    first = gateway.submit(messages.bonded_list())
    upload = messages.bonded_list()
    head = upload.message.head.model_copy(update={"chg_tms_cnt": 1})
    corrected = upload.model_copy(
        update={"message": upload.message.model_copy(update={"head": head})}
    )

    second = gateway.submit(corrected)

    assert second.file_name != first.file_name
    assert "__c1__" in second.file_name
    assert second.document.id == first.document.id
    assert len(_outbox(folders)) == 2


def test_outbox_and_inbox_may_live_where_the_client_has_them(
    tmp_path: Path, records: CustomsRecords
) -> None:
    client = tmp_path / "single-window"
    folders = ExchangeFolders.with_boxes(client / "OutBox", client / "InBox")
    gateway = FileDropGateway(folders, records)

    submitted = gateway.submit(messages.bonded_list())

    assert (client / "OutBox" / submitted.file_name).is_file()
    assert folders.staging.parent == client
