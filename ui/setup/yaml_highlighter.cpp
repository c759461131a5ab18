#include "ui/setup/yaml_highlighter.h"

#include <QRegularExpression>

namespace faaswb::ui {

YamlHighlighter::YamlHighlighter(QTextDocument* document, bool dark)
    : QSyntaxHighlighter(document) {
    m_key.setForeground(dark ? QColor(0x8a, 0xb4, 0xf8) : QColor(0x1a, 0x52, 0x9c));
    m_comment.setForeground(dark ? QColor(0x9a, 0xa0, 0xa6) : QColor(0x6a, 0x73, 0x7d));
    m_comment.setFontItalic(true);
    m_string.setForeground(dark ? QColor(0x81, 0xc9, 0x95) : QColor(0x18, 0x80, 0x38));
    m_number.setForeground(dark ? QColor(0xfc, 0xad, 0x70) : QColor(0xb0, 0x4a, 0x00));
}

void YamlHighlighter::highlightBlock(const QString& text) {
    static const QRegularExpression key(QStringLiteral(R"((?:^|[{,\s-])\s*([A-Za-z_][\w.\-/]*)\s*:(?=\s|$))"));
    static const QRegularExpression quoted(QStringLiteral(R"("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')"));
    static const QRegularExpression number(QStringLiteral(R"((?<=[:\[,{]\s)\d[\d.]*[a-zA-Z/]*(?=\s*[,}\]#]|\s*$))"));
    static const QRegularExpression comment(QStringLiteral(R"((?:^|\s)(#.*)$)"));
    for (auto it = number.globalMatch(text); it.hasNext();) {
        const auto match = it.next();
        setFormat(static_cast<int>(match.capturedStart()), static_cast<int>(match.capturedLength()), m_number);
    }
    for (auto it = key.globalMatch(text); it.hasNext();) {
        const auto match = it.next();
        setFormat(static_cast<int>(match.capturedStart(1)), static_cast<int>(match.capturedLength(1)), m_key);
    }
    for (auto it = quoted.globalMatch(text); it.hasNext();) {
        const auto match = it.next();
        setFormat(static_cast<int>(match.capturedStart()), static_cast<int>(match.capturedLength()), m_string);
    }
    if (const auto match = comment.match(text); match.hasMatch())
        setFormat(static_cast<int>(match.capturedStart(1)), static_cast<int>(match.capturedLength(1)), m_comment);
}

} // namespace faaswb::ui
