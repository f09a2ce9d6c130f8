/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Header extraction: clean text in both layouts (columns one after the other,
 * and interleaved line by line as OCR reads them), and the English-model OCR
 * seeds, where the fold key has to carry the match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vb_test_extract.h"

static vb_normalize *nz;
static vb_extract *ex;

static int has_warning(const vb_record *rec, const char *w)
{
    for (size_t i = 0; i < rec->n_warnings; i++)
        if (strcmp(rec->warnings[i], w) == 0)
            return 1;
    return 0;
}

static const char *sequential =
    "ỦY BAN NHÂN DÂN\n"
    "TỈNH HƯNG YÊN\n"
    "Số: 117/KH-UBND\n"
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n"
    "Hưng Yên, ngày 14 tháng 11 năm 2025\n"
    "\n"
    "KẾ HOẠCH\n"
    "Triển khai thực hiện Thông tư số 124/2021/TT-BCA của Bộ Công an\n"
    "về xây dựng khu dân cư đạt tiêu chuẩn “An toàn về an ninh, trật tự”\n"
    "\n"
    "Căn cứ Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ Công an;\n"
    "\n"
    "Nơi nhận:\n"
    "- Bộ Công an (Cục V05);\n"
    "- Thường trực Tỉnh ủy (b/c);\n"
    "- Chủ tịch, các PCT UBND tỉnh;\n"
    "- Lưu: VT, NC.\n"
    "\n"
    "TM. ỦY BAN NHÂN DÂN\n"
    "KT. CHỦ TỊCH\n"
    "PHÓ CHỦ TỊCH\n"
    "\n"
    "Phạm Văn Nghiêm\n";

static const char *interleaved = "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                                 "THÀNH PHỐ HẢI PHÒNG Độc lập - Tự do - Hạnh phúc\n"
                                 "Số: 354/KH-UBND Hải Phòng, ngày 30 tháng 12 năm 2025\n"
                                 "KẾ HOẠCH\n"
                                 "Nâng cao chất lượng phong trào toàn dân bảo vệ an ninh Tổ quốc\n"
                                 "trên địa bàn thành phố Hải Phòng\n"
                                 "\n"
                                 "Thời gian qua, dưới sự lãnh đạo của Thành ủy.\n"
                                 "Nơi nhận: TM. ỦY BAN NHÂN DÂN\n"
                                 "- Bộ Công an (Cục V05);\n"
                                 "- TTTU, TT HĐND TP; CHỦ TỊCH\n"
                                 "- Lưu: VT.\n"
                                 "Nguyễn Minh Hùng\n";

static void test_sequential(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(nz, ex, sequential, &t, &rec);
    const vb_document *d = &rec.doc;
    VB_CHECK_STR(d->issuer, "Ủy ban nhân dân tỉnh Hưng Yên");
    VB_CHECK_STR(d->number, "117");
    VB_CHECK_STR(d->symbol, "117/KH-UBND");
    VB_CHECK_STR(d->type, "KH");
    VB_CHECK_STR(d->type_name, "Kế hoạch");
    VB_CHECK_STR(d->place, "Hưng Yên");
    VB_CHECK_STR(d->date, "2025-11-14");
    VB_CHECK_STR(d->title, "Triển khai thực hiện Thông tư số 124/2021/TT-BCA của Bộ Công an về "
                           "xây dựng khu dân cư đạt tiêu chuẩn “An toàn về an ninh, trật tự”");
    VB_CHECK_STR(d->signer.authority, "TM."); /* the first prefix, as the fixtures expect */
    VB_CHECK_STR(d->signer.title, "PHÓ CHỦ TỊCH");
    VB_CHECK_STR(d->signer.name, "Phạm Văn Nghiêm");
    VB_CHECK_INT(d->n_recipients, 4);
    if (d->n_recipients == 4) {
        VB_CHECK_STR(d->recipients[0], "Bộ Công an (Cục V05)");
        VB_CHECK_STR(d->recipients[1], "Thường trực Tỉnh ủy"); /* "(b/c)" dropped */
        VB_CHECK_STR(d->recipients[2], "Chủ tịch, các PCT UBND tỉnh");
        VB_CHECK_STR(d->recipients[3], "Lưu: VT, NC");
    }
    VB_CHECK_INT(rec.n_warnings, 0);
    for (size_t i = 0; i < rec.n_warnings; i++)
        fprintf(stderr, "  warning: %s\n", rec.warnings[i]);
    vb_record_free(&rec);
    vb_text_free(&t);
}

static void test_interleaved(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(nz, ex, interleaved, &t, &rec);
    const vb_document *d = &rec.doc;
    VB_CHECK_STR(d->issuer, "Ủy ban nhân dân thành phố Hải Phòng");
    VB_CHECK_STR(d->symbol, "354/KH-UBND");
    VB_CHECK_STR(d->place, "Hải Phòng");
    VB_CHECK_STR(d->date, "2025-12-30");
    VB_CHECK_STR(d->title, "Nâng cao chất lượng phong trào toàn dân bảo vệ an ninh Tổ quốc trên "
                           "địa bàn thành phố Hải Phòng");
    VB_CHECK_STR(d->signer.authority, "TM.");
    VB_CHECK_STR(d->signer.title, "CHỦ TỊCH");
    VB_CHECK_STR(d->signer.name, "Nguyễn Minh Hùng");
    VB_CHECK_INT(d->n_recipients, 3);
    if (d->n_recipients == 3)
        VB_CHECK_STR(d->recipients[1], "TTTU, TT HĐND TP");
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* The place and date of a header whose date line is `line`. */
static void check_date_line(const char *line, const char *date, const char *warning)
{
    char text[256];
    snprintf(text, sizeof text, "SỞ TƯ PHÁP\nSố: 22/HD-STP\n%s\nHƯỚNG DẪN\nCông tác\n", line);
    vb_text t;
    vb_record rec;
    vb_test_extract_text(nz, ex, text, &t, &rec);
    VB_CHECK_STR(rec.doc.place, "Nghệ An");
    VB_CHECK_STR(rec.doc.date, date);
    VB_CHECK(has_warning(&rec, warning));
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* No day, no type code, nothing invented. */
static void test_partial(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(nz, ex,
                         "BỘ CÔNG AN\nSố: 1620/UBND-KH&CĐS\nHà Nội, ngày    tháng 11 năm 2025\n"
                         "V/v triển khai thực hiện\n",
                         &t, &rec);
    const vb_document *d = &rec.doc;
    VB_CHECK_STR(d->issuer, "Bộ Công an");
    VB_CHECK_STR(d->symbol, "1620/UBND-KH&CĐS");
    VB_CHECK_STR(d->type, NULL);
    VB_CHECK_STR(d->type_name, "Công văn");
    VB_CHECK_STR(d->date, "2025-11");
    VB_CHECK_STR(d->title, "triển khai thực hiện");
    VB_CHECK_STR(d->signer.name, NULL);
    VB_CHECK(has_warning(&rec, "document.signer.name: not found"));
    VB_CHECK(has_warning(&rec, "document.date: day illegible, partial date 2025-11"));
    vb_record_free(&rec);
    vb_text_free(&t);

    /* a speck read as a full stop inside the issuer's name */
    vb_test_extract_text(nz, ex,
                         "UBND TỈNH NGHỆ AN\nSỞ TƯ. PHÁP\nSố: 22/HD-STP\n"
                         "Nghệ An, ngày 08 tháng 01 năm 2026\nHƯỚNG DẪN\nCông tác phổ biến\n",
                         &t, &rec);
    VB_CHECK_STR(rec.doc.issuer, "Sở Tư pháp tỉnh Nghệ An");
    VB_CHECK_STR(rec.doc.date, "2026-01-08");
    vb_record_free(&rec);
    vb_text_free(&t);

    /* a speck on the month's leading zero ("@1"): only 0 can stand there; a
     * speck before the place is not part of it */
    check_date_line("-Nghệ An, ngày 08 tháng @1 năm 2026", "2026-01-08",
                    "document.date: month '@1' read as 01");
    /* a glyph that could be several digits is not guessed: partial date */
    check_date_line("Nghệ An, ngày 08 tháng 1? năm 2026", "2026",
                    "document.date: day and month illegible, partial date 2026");

    vb_test_extract_text(nz, ex, "Văn bản không có phần đầu.\n", &t, &rec);
    VB_CHECK_STR(rec.doc.date, NULL);
    VB_CHECK_STR(rec.doc.symbol, NULL);
    VB_CHECK(has_warning(&rec, "document.date: not found"));
    VB_CHECK(has_warning(&rec, "document.issuer: not found"));
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* A letter read for a digit is put back only in a field of digits that has a
 * real digit too; a law or a resolution without a date line is dated by its
 * adoption. */
static void test_dates(void)
{
    static const struct {
        const char *line, *date;
    } cases[] = {
        {"Hai Phong, ngay 30 thang f2 nam 2025", "2025-12-30"},
        {"Hai Phong, ngay 3O thang l1 nam 2025", "2025-11-30"},
        {"Hai Phong, ngay 30 thang II nam 2025", "2025"},       /* a Roman numeral? */
        {"Hai Phong, ngay 30 thang lO nam 2025", "2025"},       /* no real digit */
        {"Hai Phong, ngay 08 thang @1 nam 2025", "2025-01-08"}, /* a speck on the zero */
        {"Hai Phong, ngay 08 thang 1@ nam 2025", "2025"},       /* ... only the leading one */
        {"Hai Phong, ngay 3S thang 12 nam 2025", "2025-12"},    /* S is 5 or 8 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        vb_text t;
        vb_record rec;
        char buf[200];
        snprintf(buf, sizeof buf, "UBND THANH PHO HAI PHONG\nS6: 354 /KH-UBND %s\nKE HOACH\n",
                 cases[i].line);
        vb_test_extract_text(nz, ex, buf, &t, &rec);
        VB_CHECK_STR(rec.doc.date, cases[i].date);
        vb_record_free(&rec);
        vb_text_free(&t);
    }

    vb_text t;
    vb_record rec;
    const char *resolution =
        "ỦY BAN THƯỜNG VỤ QUỐC HỘI\n"
        "Nghị quyết số: 24/2022/UBTVQH15\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\n"
        "NGHỊ QUYẾT\n"
        "Tiếp tục chi trả hỗ trợ đối với người lao động\n"
        "\n"
        "Căn cứ Nghị quyết số 03/2021/UBTVQH15 ngày 24 tháng 9 năm 2021 ban hành chính sách;\n"
        "Căn cứ Luật Tổ chức Quốc hội, đã được Quốc hội thông qua ngày 20 tháng 11 năm 2014;\n"
        "Nghị quyết này có hiệu lực thi hành kể từ ngày thông qua.\n"
        "Nghị quyết này được Ủy ban Thường vụ Quốc hội của nước Cộng hòa xã hội\n"
        "chủ nghĩa Việt Nam khóa XV, phiên họp thứ 14 thông qua ngày 11 tháng 8 năm 2022./.\n";
    vb_test_extract_text(nz, ex, resolution, &t, &rec);
    VB_CHECK_STR(rec.doc.date, "2022-08-11");
    VB_CHECK_STR(rec.doc.place, NULL);
    VB_CHECK(!has_warning(&rec, "document.date: not found"));
    vb_record_free(&rec);
    vb_text_free(&t);

    /* a date line wins over the adoption */
    vb_test_extract_text(
        nz, ex,
        "QUỐC HỘI\nLuật số: 73/2006/QH11\nHà Nội, ngày 29 tháng 6 năm 2006\n"
        "LUẬT\nBÌNH ĐẲNG GIỚI\n\n"
        "Luật này đã được Quốc hội nước Cộng hoà xã hội chủ nghĩa Việt Nam khoá XI, "
        "kỳ họp thứ 10 thông qua ngày 29 tháng 11 năm 2006.\n",
        &t, &rec);
    VB_CHECK_STR(rec.doc.date, "2006-06-29");
    vb_record_free(&rec);
    vb_text_free(&t);

    /* a cited law's adoption is not the document's date */
    vb_test_extract_text(
        nz, ex,
        "BỘ CÔNG AN\nSố: 12/TT-BCA\nTHÔNG TƯ\nHướng dẫn\n\n"
        "Căn cứ Luật Cư trú đã được Quốc hội thông qua ngày 13 tháng 11 năm 2020;\n",
        &t, &rec);
    VB_CHECK_STR(rec.doc.date, NULL);
    VB_CHECK(has_warning(&rec, "document.date: not found"));
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* The title as OCR leaves it: symbols with spaces, specks read as quotes
 * beside real ones, a period's dash, an agency's capitals. */
static void test_title_repairs(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(
        nz, ex,
        "ỦY BAN NHÂN DÂN\nTỈNH TUYÊN QUANG\nSố: 12/KH-UBND\n"
        "Tuyên Quang, ngày 14 tháng 1 năm 2026\n"
        "KẾ HOẠCH\n"
        "Triển khai Nghị quyết số 33-NQ/T U của Ban Thường vụ Tỉnh Ủy và Kế hoạch\n"
        "161/KH-\nUBND về “Ngày hội toàn dân” trong cơ’ quan, cơ sở' giáo dục\n"
        "của tỉnh ủy viên, giai đoạn 2026 -2030 ‘\n"
        "\n"
        "Căn cứ Luật Tổ chức chính quyền địa phương;\n",
        &t, &rec);
    VB_CHECK_STR(rec.doc.title,
                 "Triển khai Nghị quyết số 33-NQ/TU của Ban Thường vụ Tỉnh ủy và Kế "
                 "hoạch 161/KH-UBND về “Ngày hội toàn dân” trong cơ quan, cơ sở giáo "
                 "dục của tỉnh ủy viên, giai đoạn 2026 - 2030");
    vb_record_free(&rec);
    vb_text_free(&t);
    /* quotes after punctuation, nested, and a dash as printed stay */
    vb_test_extract_text(nz, ex,
                         "ỦY BAN NHÂN DÂN\nTỈNH TUYÊN QUANG\nSố: 12/KH-UBND\n"
                         "KẾ HOẠCH\n"
                         "Phát động phong trào (“Ngày hội ‘toàn dân’”), năm 2026-2027\n"
                         "\n",
                         &t, &rec);
    VB_CHECK_STR(rec.doc.title, "Phát động phong trào (“Ngày hội ‘toàn dân’”), năm 2026-2027");
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* English-model OCR: broken marks, columns interleaved. */
static void test_seeds(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_file(nz, ex, "fixtures/seeds/tan-khai-plan.ocr.txt", &t, &rec);
    VB_CHECK_STR(rec.doc.symbol, "36/KH-UBND");
    VB_CHECK_STR(rec.doc.number, "36");
    VB_CHECK_STR(rec.doc.type, "KH");
    VB_CHECK_STR(rec.doc.type_name, "Kế hoạch");
    VB_CHECK_STR(rec.doc.place, "Tan Khai"); /* no commune gazetteer: as printed */
    VB_CHECK_STR(rec.doc.issuer, "Thị trấn Tan Khai");
    VB_CHECK_STR(rec.doc.date, "2025-03-11");
    VB_CHECK(rec.doc.n_recipients >= 6);
    vb_record_free(&rec);
    vb_text_free(&t);

    vb_test_extract_file(nz, ex, "fixtures/seeds/hai-phong-plan.ocr.txt", &t, &rec);
    VB_CHECK_STR(rec.doc.symbol, "354/KH-UBND");
    VB_CHECK_STR(rec.doc.type, "KH");
    /* body, unit and city put back in their spelling through the fold key */
    VB_CHECK_STR(rec.doc.issuer, "Ủy ban nhân dân thành phố Hải Phòng");
    VB_CHECK_STR(rec.doc.place, "Hải Phòng");
    /* "thdang f2": OCR's f for 1 in a field of digits (rules/digit-confusions.tsv) */
    VB_CHECK_STR(rec.doc.date, "2025-12-30");
    VB_CHECK_STR(rec.doc.signer.authority, "TM.");
    VB_CHECK_STR(rec.doc.signer.title, "CHỦ TỊCH"); /* canonical from the lexicon */
    VB_CHECK_STR(rec.doc.signer.name, "Nguyén Minh Hiing");
    vb_record_free(&rec);
    vb_text_free(&t);

    vb_test_extract_file(nz, ex, "fixtures/seeds/tuyen-quang-plan.ocr.txt", &t, &rec);
    VB_CHECK_STR(rec.doc.symbol, NULL); /* "sé6: UF /KH-UBND": number illegible */
    VB_CHECK_STR(rec.doc.number, NULL);
    VB_CHECK_STR(rec.doc.type, "KH");
    VB_CHECK_STR(rec.doc.date, "2026");
    VB_CHECK_STR(rec.doc.place, "Tuyên Quang");
    VB_CHECK_STR(rec.doc.issuer, "Ủy ban nhân dân tỉnh Tuyên Quang");
    VB_CHECK_STR(rec.doc.signer.title, "CHỦ TỊCH"); /* canonical from the lexicon */
    VB_CHECK_STR(rec.doc.signer.name, "Phan Huy Nggc");
    vb_record_free(&rec);
    vb_text_free(&t);
}

int main(void)
{
    if (!vb_test_extract_open(&nz, &ex))
        return 1;
    test_sequential();
    test_interleaved();
    test_partial();
    test_dates();
    test_title_repairs();
    test_seeds();
    return vb_test_extract_close(&nz, &ex);
}
