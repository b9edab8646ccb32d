"""Uploaded files are stored under names of our making, with the extension of what they
contain; the name the uploader gave is only shown."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Attachment
from tests.factories import PDF, PNG, form_data

GENERATED = r"dossiers/\d{4}/\d{2}/[0-9a-f]{32}\.%s"


def test_a_png_called_shell_php_png_is_stored_as_a_random_png(signed_in, marriage):
    document = marriage.documents.get()
    shell = SimpleUploadedFile("shell.php.png", PNG, "image/png")
    signed_in.post(
        f"/thu-tuc/{marriage.code}/nop/", form_data(marriage, **{f"document_{document.pk}": shell})
    )
    stored = Attachment.objects.get()
    assert re.fullmatch(GENERATED % "png", stored.file.name), stored.file.name
    assert "shell" not in stored.file.name and "php" not in stored.file.name
    assert stored.original_name == "shell.php.png"
    with stored.file.open("rb") as kept:
        assert kept.read() == PNG


def test_the_extension_is_the_contents_not_the_uploaders(signed_in, marriage):
    document = marriage.documents.get()
    named_wrong = SimpleUploadedFile("to-khai.php", PDF, "image/png")
    signed_in.post(
        f"/thu-tuc/{marriage.code}/nop/",
        form_data(marriage, **{f"document_{document.pk}": named_wrong}),
    )
    stored = Attachment.objects.get()
    assert re.fullmatch(GENERATED % "pdf", stored.file.name), stored.file.name
    assert stored.original_name == "to-khai.php"


def test_two_files_of_one_name_are_stored_apart(signed_in, marriage):
    document = marriage.documents.get()
    for attempt in range(2):
        upload = SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")
        signed_in.post(
            f"/thu-tuc/{marriage.code}/nop/",
            form_data(marriage, token=f"t-{attempt}", **{f"document_{document.pk}": upload}),
        )
    names = [a.file.name for a in Attachment.objects.all()]
    assert len(names) == 2 and len(set(names)) == 2


def test_a_supplement_file_is_stored_under_a_generated_name(signed_in, dossier, official):
    from motcua.dossiers import services

    services.request_supplement(dossier, official, ["Ảnh chân dung"])
    photo = SimpleUploadedFile("anh.jpg.php", PNG, "image/png")
    response = signed_in.post(f"/ho-so/{dossier.code}/bo-sung/", {"supplement-files": [photo]})
    assert response.status_code == 302
    stored = dossier.attachments.get(original_name="anh.jpg.php")
    assert re.fullmatch(GENERATED % "png", stored.file.name), stored.file.name
