// YamlHighlighter: a small QSyntaxHighlighter for experiment YAML — keys, comments, quoted strings, numbers with
// units. Colours follow the palette (light or dark). UI thread only.
#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace faaswb::ui {

class YamlHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    YamlHighlighter(QTextDocument* document, bool dark);

protected:
    void highlightBlock(const QString& text) override;

private:
    QTextCharFormat m_key;
    QTextCharFormat m_comment;
    QTextCharFormat m_string;
    QTextCharFormat m_number;
};

} // namespace faaswb::ui
