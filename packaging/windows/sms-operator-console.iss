; Inno Setup 6.3+ script: the per-user Windows installer of the console's one-folder build.
;
;   python packaging\build.py
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=<version> ^
;       /DAppNumericVersion=<n.n.n.n> packaging\windows\sms-operator-console.iss
;
; makes dist\sms-operator-console-<version>-windows-x64-setup.exe. It installs without
; administrator rights into %LOCALAPPDATA%\Programs\SMS Operator Console, adds a Start
; menu entry (and, if asked, a desktop one) and an uninstaller listed in Windows'
; installed apps. .github/workflows/installers.yml runs these two commands, with the
; numeric version from `python packaging\version.py --numeric 4 <version>`.
; Paths are relative to this file.

#ifndef AppVersion
  #error Give the version: iscc /DAppVersion=X.Y.Z sms-operator-console.iss
#endif
; The file version Windows shows takes four numbers only (0.1.0.0): a version with a
; suffix (0.2.0rc1) needs /DAppNumericVersion, while a plain one (0.1.0) serves as it is.
#ifndef AppNumericVersion
  #define AppNumericVersion AppVersion
#endif
#define AppName "SMS Operator Console"
#define AppExe "sms-console.exe"
#define BuildDir "..\..\dist\sms-console"

[Setup]
; Upgrades and the uninstaller find the installed copy by this id: never change it.
AppId={{B86CC56B-3B65-4717-A347-0CB170B57208}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=SMS Operator Console maintainers
VersionInfoVersion={#AppNumericVersion}
; Per user, with no administrator rights: {autopf} is then %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
; The PySide6 wheels are 64-bit and need Windows 10 1809 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
OutputDir=..\..\dist
OutputBaseFilename=sms-operator-console-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\build\icons\sms-operator-console.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; A running console holds its files open: ask to close it rather than need a restart.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the program folder whole, so no file of an older build lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Send SMS and MMS and follow each message"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The uninstaller removes the program only. The operator's data folder
; (%LOCALAPPDATA%\sms-operator-console: message log, profiles, settings) and the
; passwords in Windows Credential Manager stay, so a reinstall finds them again.
