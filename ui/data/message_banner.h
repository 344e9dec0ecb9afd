#pragma once
// An inline message area: errors and hints appear in the page itself, tinted from the palette, never as a
// dialog, so a wrong regex or a bad file interrupts nothing. Shared by the Data and Adapter pages.
#include <QLabel>

class MessageBanner final : public QLabel {
    Q_OBJECT
public:
    enum class Kind { Info, Error };
    explicit MessageBanner(QWidget* parent = nullptr);

    void showMessage(Kind kind, const QString& richText);
    void showError(const QString& plainText);  // escaped; the usual case for a lora::Error message
    void clearMessage();
    Kind kind() const { return kind_; }
    bool isError() const { return !isHidden() && kind_ == Kind::Error; }
    bool hasMessage() const { return !text().isEmpty(); }

protected:
    void changeEvent(QEvent* event) override;

private:
    void restyle();
    Kind kind_ = Kind::Info;
    bool restyling_ = false;  // setPalette() in restyle() raises a PaletteChange of its own
};
