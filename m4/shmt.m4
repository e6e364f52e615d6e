# shmt.m4 - configure macros of shmtools.

# SHMT_DIR_ARG(NAME, WHAT, PKG-CONFIG-VALUE, FALLBACK)
# --------------------------------------------------------------
# --with-NAME=DIR installs WHAT into DIR; --without-NAME installs none of
# it (and never a directory named "no").  By default: PKG-CONFIG-VALUE
# (shell words, pkg-config's variable with its prefix set to ours) if it
# says anything, else FALLBACK.  Substitutes NAME, empty when not
# installed, and defines the conditional INSTALL_NAME (upper case).
AC_DEFUN([SHMT_DIR_ARG], [
AC_ARG_WITH([$1],
	[AS_HELP_STRING([--with-$1=DIR], [$2 @<:@inside the prefix@:>@; --without-$1 installs none])],
	[], [with_$1=yes])
AS_CASE([$with_$1],
	[no], [$1=],
	[yes|''], [$1=$3
		AS_IF([test -z "$$1"], [$1=$4])],
	[/*|'${'*], [$1=$with_$1],
	[AC_MSG_ERROR([--with-$1=$with_$1: an absolute directory, or --without-$1])])
AC_MSG_CHECKING([where to install $2])
AS_IF([test "x$with_$1" = xno], [AC_MSG_RESULT([nowhere])], [AC_MSG_RESULT([$$1])])
AM_CONDITIONAL([INSTALL_]m4_toupper([$1]), [test "x$with_$1" != xno])
AC_SUBST([$1])
])
