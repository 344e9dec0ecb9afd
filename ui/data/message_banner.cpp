#include "data/message_banner.h"

#include <QEvent>

MessageBanner::MessageBanner(QWidget* parent) : QLabel(parent)
{
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setMargin(8);
    setAutoFillBackground(true);
    hide();
}

void MessageBanner::showMessage(Kind kind, const QString& richText)
{
    kind_ = kind;
    setText(richText);
    restyle();
    setVisible(!richText.isEmpty());
}

void MessageBanner::showError(const QString& plainText) { showMessage(Kind::Error, plainText.toHtmlEscaped()); }

void MessageBanner::clearMessage()
{
    clear();
    hide();
}

void MessageBanner::changeEvent(QEvent* event)
{
    QLabel::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !restyling_)
        restyle();
}

void MessageBanner::restyle()
{
    // Tint the window colour towards red (errors) or the highlight (hints): readable on light and dark themes.
    QPalette p = parentWidget() ? parentWidget()->palette() : palette();
    const QColor window = p.color(QPalette::Window);
    const QColor tint = kind_ == Kind::Error ? QColor(220, 50, 47) : p.color(QPalette::Highlight);
    const double t = 0.18;
    const QColor fill = QColor::fromRgbF(float(window.redF() * (1 - t) + tint.redF() * t),
                                         float(window.greenF() * (1 - t) + tint.greenF() * t),
                                         float(window.blueF() * (1 - t) + tint.blueF() * t));
    restyling_ = true;
    p.setColor(QPalette::Window, fill);
    setPalette(p);
    restyling_ = false;
    setFrameStyle(QFrame::StyledPanel | QFrame::Plain);
}
