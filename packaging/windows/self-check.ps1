#Requires -Version 7
# The workflow's check of a built console on Windows: `sms-console.exe --self-check` must
# pass within 3 minutes, write nothing on stderr and find Windows Credential Manager.
#
#   ./packaging/windows/self-check.ps1 -Exe .\dist\sms-console\sms-console.exe -Name frozen
#
# The program is windowed: only a started process with redirected output shows what it
# prints. Its output is kept in <Name>.out and <Name>.err in the current folder.
param(
    [Parameter(Mandatory)] [string] $Exe,
    [Parameter(Mandatory)] [string] $Name
)
$ErrorActionPreference = "Stop"
$Exe = (Resolve-Path -LiteralPath $Exe).Path
$out = Join-Path $PWD "$Name.out"
$err = Join-Path $PWD "$Name.err"
$limitSeconds = 180

$run = Start-Process -FilePath $Exe -ArgumentList "--self-check" -PassThru -NoNewWindow `
    -RedirectStandardOutput $out -RedirectStandardError $err
# Taken while the process runs, the handle keeps its exit code readable after it ends
# (without it, ExitCode of a process started without -Wait can come back empty).
$null = $run.Handle
if (-not $run.WaitForExit($limitSeconds * 1000)) {
    $run.Kill($true)
    Get-Content $out, $err
    throw "--self-check of $Exe did not finish within $limitSeconds s: killed"
}
$run.WaitForExit()
Get-Content $out
if ((Get-Item $err).Length -gt 0) {
    Write-Output "--- stderr:"
    Get-Content $err
}
if ($run.ExitCode -ne 0) { throw "--self-check of $Exe failed (exit code $($run.ExitCode))" }
if ((Get-Item $err).Length -gt 0) { throw "--self-check of $Exe wrote to stderr" }
# console.keychain.backends.describe_backend's words for keyring's WinVaultKeyring.
$keychain = "ok    keychain: Windows Credential Manager"
if (-not (Select-String -Path $out -SimpleMatch -Quiet -Pattern $keychain)) {
    throw "--self-check of $Exe did not find Windows Credential Manager (no line '$keychain')"
}
