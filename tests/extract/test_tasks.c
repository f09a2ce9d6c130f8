/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Tasks in the shapes OCR'd plans and normative documents give them: headings
 * OCR broke, paragraphs over page breaks, a parenthesis after its block,
 * articles that assign the work, and which time words are deadlines. */
#include <stdlib.h>
#include <string.h>

#include "vb_test_extract.h"

static vb_normalize *nz;
static vb_extract *ex;

static void dump(const vb_record *rec)
{
    for (size_t i = 0; i < rec->n_tasks; i++)
        fprintf(stderr, "  task %zu: %s | %s | %s\n", i, rec->tasks[i].lead, rec->tasks[i].text,
                rec->tasks[i].deadline.text ? rec->tasks[i].deadline.text : "-");
}

static int tasks_are(const vb_record *rec, size_t n)
{
    VB_CHECK_INT(rec->n_tasks, n);
    if (rec->n_tasks != n) {
        dump(rec);
        return 0;
    }
    return 1;
}

/* Headings whose head word or name OCR broke are matched to the lexicon by an
 * OCR-tolerant distance; a numbered line close to no name is no heading. */
static void test_broken_headings(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(nz, ex,
                         "V. PHÂN CÔNG TRÁCH NHIỆM\n"
                         "\n"
                         "2.2. Bù Chỉ huy Quân sự tỉnh\n"
                         "\n"
                         "- Tham mưu Ủy ban nhân dân tỉnh triển khai Chỉ thị.\n"
                         "\n"
                         "24.86Yté |\n"
                         "\n"
                         "- Chỉ đạo các cơ sở y tế thực hiện tốt các giải pháp.\n"
                         "\n"
                         "2.5. 8¢ Njivu\n"
                         "\n"
                         "- Phối hợp với Công an tỉnh đề xuất khen thưởng.\n"
                         "\n"
                         "2.6. Vụn phong Ủy ban nhân dân tỉnh\n"
                         "\n"
                         "- Tham mưu đưa nội dung vào tiêu chí chấm điểm.\n"
                         "\n"
                         "2.7. Nâng cao chất lượng\n"
                         "\n"
                         "- Tổ chức hội nghị.\n",
                         &t, &rec);
    if (tasks_are(&rec, 4)) {
        VB_CHECK_STR(rec.tasks[0].lead, "Bộ Chỉ huy Quân sự tỉnh");
        VB_CHECK_STR(rec.tasks[1].lead, "Sở Y tế");
        VB_CHECK_STR(rec.tasks[2].lead, "Sở Nội vụ");
        VB_CHECK_STR(rec.tasks[3].lead, "Văn phòng Ủy ban nhân dân tỉnh");
        VB_CHECK_STR(rec.tasks[3].text, "Tham mưu đưa nội dung vào tiêu chí chấm điểm.");
    }
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* A paragraph over a page break (a scrap of the page edge, a page number, a
 * gazette's running head, a blank line before a lower-case continuation) is
 * one item; a heading may take two lines and end with a place. */
static void test_page_breaks(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(nz, ex,
                         "III. PHÂN CÔNG TRÁCH NHIỆM\n"
                         "1. Sở Văn hóa, Thể thao và Du lịch; Báo và Phát thanh, Truyền hình\n"
                         "Hải Phòng\n"
                         "\n"
                         "- Phối hợp các sở tham mưu chỉ đạo thực hiện các chương trình; xây dựng\n"
                         "\n"
                         "Dư L\n"
                         "\n"
                         "| YN\n"
                         " cơ sở giáo dục đạt tiêu chuẩn.\n"
                         "\n"
                         "- Biểu dương, khen thưởng các\n"
                         "\n"
                         "tập thể, cá nhân có thành tích xuất sắc.\n"
                         "\n"
                         "2. Ban Quản lý các khu công nghiệp và khu kinh tế tỉnh Tuyên Quang\n"
                         "\n"
                         "Hướng dẫn các doanh nghiệp xây dựng quy chế phối hợp, duy trì\n"
                         "\n"
                         "CÔNG BÁO/Số 281/Ngày 21-05-2026\n"
                         "101\n"
                         "\n"
                         "các mô hình tự quản.\n",
                         &t, &rec);
    if (tasks_are(&rec, 3)) {
        VB_CHECK_STR(rec.tasks[0].lead, "Sở Văn hóa, Thể thao và Du lịch");
        VB_CHECK_INT(rec.tasks[0].n_partners, 1);
        VB_CHECK_STR(rec.tasks[0].text, "Phối hợp các sở tham mưu chỉ đạo thực hiện các chương "
                                        "trình; xây dựng cơ sở giáo dục đạt tiêu chuẩn.");
        VB_CHECK_STR(rec.tasks[1].text,
                     "Biểu dương, khen thưởng các tập thể, cá nhân có thành tích xuất sắc.");
        VB_CHECK_STR(rec.tasks[2].lead, "Ban Quản lý các khu công nghiệp và khu kinh tế tỉnh");
        VB_CHECK_STR(rec.tasks[2].text, "Hướng dẫn các doanh nghiệp xây dựng quy chế phối hợp, "
                                        "duy trì các mô hình tự quản.");
    }
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* A parenthesis alone after its block assigns the block back to its numbered
 * heading or the previous parenthesis; without a time of its own, the block's
 * first bound is the deadline. */
static void test_paren_block(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(nz, ex,
                         "III. NHIỆM VỤ\n"
                         "\n"
                         "1. Tổ chức quán triệt, phổ biến các chủ trương\n"
                         "của Đảng về công tác xây dựng phong trào.\n"
                         "\n"
                         "(Các cơ quan, doanh nghiệp, cơ sở giáo dục cấp tỉnh và Ủy ban nhân dân\n"
                         "cấp xã; thực hiện trong quý I/2026)\n"
                         "\n"
                         "2. Tăng cường sự lãnh đạo\n"
                         "\n"
                         "- Tham mưu Tỉnh ủy tổng kết Chỉ thị.\n"
                         "\n"
                         "- Hằng năm rà soát, lựa chọn xã, phường xây dựng điển hình.\n"
                         "\n"
                         "(Công an tỉnh chủ trì, tham mưu thực hiện)\n",
                         &t, &rec);
    if (tasks_are(&rec, 2)) {
        VB_CHECK_STR(rec.tasks[0].lead, "Các cơ quan, doanh nghiệp, cơ sở giáo dục cấp tỉnh");
        VB_CHECK_STR(rec.tasks[0].text, "Tổ chức quán triệt, phổ biến các chủ trương của Đảng về "
                                        "công tác xây dựng phong trào.");
        VB_CHECK_INT(rec.tasks[0].deadline.kind, VB_DEADLINE_QUARTER);
        VB_CHECK_STR(rec.tasks[1].lead, "Công an tỉnh");
        VB_CHECK_STR(rec.tasks[1].text, "Tham mưu Tỉnh ủy tổng kết Chỉ thị. - Hằng năm rà soát, "
                                        "lựa chọn xã, phường xây dựng điển hình.");
        VB_CHECK_INT(rec.tasks[1].deadline.kind, VB_DEADLINE_RECURRING);
    }
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* The deadline is the earliest bound of the task; bounds inside a name or a
 * phrase that bounds nothing do not count; a period counts when it is set off. */
static void test_deadlines(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(
        nz, ex,
        "IV. TỔ CHỨC THỰC HIỆN\n"
        "\n"
        "1. Sở Nội vụ\n"
        "\n"
        "- Đề xuất các cấp khen thưởng đột xuất, định kỳ các tập thể, cá nhân.\n"
        "\n"
        "- Triển khai Đề án “Đẩy mạnh xây dựng xã, phường an toàn, giai đoạn 2025 - 2030”.\n"
        "\n"
        "- Phát động thi đua thực hiện phong trào giai đoạn 2026 - 2030.\n"
        "\n"
        "- Thực hiện các tiêu chí xây dựng xã điển hình, giai đoạn 2026 - 2030.\n"
        "\n"
        "- Tham mưu bố trí kinh phí thường xuyên hằng năm thực hiện kế hoạch.\n"
        "\n"
        "- Báo cáo định kỳ 6 tháng (trước ngày 20/6) và hằng năm (trước ngày 20/12/2026).\n",
        &t, &rec);
    if (tasks_are(&rec, 6)) {
        VB_CHECK_INT(rec.tasks[0].deadline.kind, VB_DEADLINE_NONE);
        VB_CHECK_INT(rec.tasks[1].deadline.kind, VB_DEADLINE_NONE);
        VB_CHECK_INT(rec.tasks[2].deadline.kind, VB_DEADLINE_NONE);
        VB_CHECK_INT(rec.tasks[3].deadline.kind, VB_DEADLINE_PERIOD);
        VB_CHECK_STR(rec.tasks[3].deadline.start, "2026-01-01");
        VB_CHECK_INT(rec.tasks[4].deadline.kind, VB_DEADLINE_RECURRING);
        VB_CHECK_STR(rec.tasks[4].deadline.text, "hằng năm");
        VB_CHECK_INT(rec.tasks[5].deadline.kind, VB_DEADLINE_RECURRING);
    }
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* An article "Điều N. Tổ chức thực hiện" assigns the work item by item; the
 * closing clause is no task; a relative bound is resolved from the date the
 * document takes effect. */
static void test_articles(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(nz, ex,
                         "ỦY BAN NHÂN DÂN\n"
                         "THÀNH PHỐ HẢI PHÒNG\n"
                         "Số: 2345/QĐ-UBND\n"
                         "Hải Phòng, ngày 05 tháng 12 năm 2025\n"
                         "\n"
                         "QUYẾT ĐỊNH\n"
                         "\n"
                         "Điều 1. Thành lập Tổ công tác.\n"
                         "Điều 2. Nhiệm vụ của Tổ công tác:\n"
                         "1. Giúp Chủ tịch chỉ đạo, đôn đốc các sở.\n"
                         "2. Ban hành quy chế hoạt động trong thời hạn 15 ngày kể từ ngày\n"
                         "Quyết định này có hiệu lực.\n"
                         "\n"
                         "CÔNG BÁO/Số 281/Ngày 21-05-2026\n"
                         "101\n"
                         "\n"
                         "3. Kiểm tra, giám sát việc thực hiện.\n"
                         "Điều 3. Tổ chức thực hiện\n"
                         "1. Giao Sở Tài chính báo cáo kết quả tại phiên họp\n"
                         "tháng 9 năm 2026 của Ủy ban nhân dân thành phố.\n"
                         "2. Ủy ban Mặt trận Tổ quốc Việt Nam thành phố giám sát việc thực hiện.\n"
                         "3. Chánh Văn phòng, Giám đốc các sở chịu trách nhiệm thi hành Quyết "
                         "định này.\n"
                         "Điều 4. Quyết định này có hiệu lực kể từ ngày ký.\n",
                         &t, &rec);
    if (tasks_are(&rec, 5)) {
        VB_CHECK_STR(rec.tasks[0].lead, "Tổ công tác");
        VB_CHECK_INT(rec.tasks[1].deadline.kind, VB_DEADLINE_BEFORE);
        VB_CHECK_STR(rec.tasks[1].deadline.end, "2025-12-20");
        VB_CHECK_STR(rec.tasks[2].text, "Kiểm tra, giám sát việc thực hiện.");
        VB_CHECK_STR(rec.tasks[3].lead, "Sở Tài chính");
        VB_CHECK_INT(rec.tasks[3].deadline.kind, VB_DEADLINE_DATE);
        VB_CHECK_STR(rec.tasks[3].deadline.start, "2026-09");
        VB_CHECK_STR(rec.tasks[4].lead, "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố");
    }
    vb_record_free(&rec);
    vb_text_free(&t);
}

/* "Đề nghị X" below a heading is the heading body's request; below a numbered
 * item it gives X the task. An item introducing a list is no task. */
static void test_requests(void)
{
    vb_text t;
    vb_record rec;
    vb_test_extract_text(nz, ex,
                         "IV. TỔ CHỨC THỰC HIỆN\n"
                         "\n"
                         "1. Công an thị trấn\n"
                         "\n"
                         "- Đề nghị Giám đốc Công an tỉnh tặng giấy khen cho các tập thể.\n"
                         "\n"
                         "2. Sở Nội vụ\n"
                         "\n"
                         "Phối hợp các cơ quan tham mưu triển khai các nội dung sau:\n"
                         "\n"
                         "- Giải quyết chế độ, chính sách theo quy định.\n"
                         "\n"
                         "3. Các sở, ban, ngành tổ chức quán triệt Kế hoạch. Hoàn thành\n"
                         "trong tháng 01/2026.\n"
                         "\n"
                         "- Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh xây dựng kế hoạch.\n"
                         "\n"
                         "- Định kỳ 30/10 hằng năm báo cáo kết quả thực hiện.\n",
                         &t, &rec);
    if (tasks_are(&rec, 5)) {
        VB_CHECK_STR(rec.tasks[0].lead, "Công an thị trấn");
        VB_CHECK_STR(rec.tasks[1].lead, "Sở Nội vụ");
        VB_CHECK_STR(rec.tasks[1].text, "Giải quyết chế độ, chính sách theo quy định.");
        VB_CHECK_STR(rec.tasks[2].lead, "Các sở, ban, ngành");
        VB_CHECK_STR(rec.tasks[2].deadline.start, "2026-01");
        VB_CHECK_STR(rec.tasks[3].lead, "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh");
        VB_CHECK_STR(rec.tasks[4].lead, "Các sở, ban, ngành");
        VB_CHECK_INT(rec.tasks[4].deadline.kind, VB_DEADLINE_RECURRING);
    }
    vb_record_free(&rec);
    vb_text_free(&t);
}

int main(void)
{
    if (!vb_test_extract_open(&nz, &ex))
        return 1;
    test_broken_headings();
    test_page_breaks();
    test_paren_block();
    test_deadlines();
    test_articles();
    test_requests();
    return vb_test_extract_close(&nz, &ex);
}
